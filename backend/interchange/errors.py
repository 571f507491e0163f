"""The interchange's error codes."""

from backend.errors import register_errors

register_errors(
    {
        "interchange.already_delivered": (
            409,
            "该回执报文已送达，无需重发。",
            "This receipt message was delivered already; there is nothing to retry.",
        ),
    }
)
