"""Time slots an inspection can be booked in: code -> (中文, English, start, end)."""

SLOTS: dict[str, tuple[str, str, str, str]] = {
    "morning": ("上午", "Morning", "09:00", "12:00"),
    "afternoon": ("下午", "Afternoon", "14:00", "17:30"),
}
