"""The bot's engine: message text and session state in, a Reply out. No Flask, no SQL."""
