"""Error codes of the media domain (photos and resumable uploads)."""

from backend.errors import register_errors

register_errors(
    {
        "media.unsupported_type": (
            415,
            "仅接受 JPEG、PNG 或 WebP 格式的照片。",
            "Only JPEG, PNG and WebP photos are accepted.",
        ),
        "media.too_large": (413, "照片不能超过 {max_mb} MB。", "A photo may not exceed {max_mb} MB."),
        "media.too_many_pixels": (
            422,
            "照片像素过多（上限 {max_mp} 百万像素）。",
            "The photo has too many pixels (limit {max_mp} megapixels).",
        ),
        "media.corrupt_image": (422, "照片文件已损坏或不完整。", "The photo file is damaged or incomplete."),
        "media.hash_mismatch": (
            422,
            "上传内容与声明的 SHA-256 不一致，已清空，请重新上传。",
            "The uploaded bytes do not match the declared SHA-256; the upload was reset, send it again.",
        ),
        "media.offset_mismatch": (
            409,
            "上传位置不一致，请从服务器记录的位置继续。",
            "Wrong offset; resume from the offset the server holds.",
        ),
        "media.size_exceeded": (
            413,
            "上传的数据超过了声明的文件大小。",
            "More bytes were sent than the declared size.",
        ),
        "media.chunk_too_large": (
            413,
            "单次上传的数据块不能超过 {max_mb} MB。",
            "A chunk may not exceed {max_mb} MB.",
        ),
        "media.bad_range": (
            400,
            "Content-Range 或 offset 无效。",
            "The Content-Range header or offset is invalid.",
        ),
        "media.upload_incomplete": (
            409,
            "文件尚未上传完整。",
            "The upload has not received all its bytes yet.",
        ),
        "media.upload_closed": (
            409,
            "该上传已完成或已被拒绝，不能再写入。",
            "This upload is already completed or refused; it takes no more bytes.",
        ),
        # 404 like an unknown upload: clients (the PWA among them) then start again with POST /uploads.
        "media.upload_expired": (
            404,
            "该上传长时间未完成，已过期，已收到的数据已清除；请用相同的 client_id 重新开始上传。",
            "This upload was left unfinished too long and has expired; its bytes were discarded. "
            "Start it again with POST /uploads and the same client_id.",
        ),
        # The copy is made by a job after the upload is acknowledged: ask again (Retry-After) or use
        # the original. detail.status: pending, or failed (no copy will come; the original stays).
        "media.derivative_pending": (
            404,
            "照片的显示尺寸副本尚未生成，请稍后再试，或查看原图。",
            "The photo's display copy is not ready yet; try again shortly, or use the original.",
        ),
        "media.client_id_conflict": (
            409,
            "该客户端编号已用于另一张照片。",
            "This client_id was already used for a different photo.",
        ),
    }
)
