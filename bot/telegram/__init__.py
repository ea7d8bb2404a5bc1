"""The Telegram channel (aiogram 3): map updates to the conversation, render its replies."""
