"""The Viber channel (viberbot): signed webhooks, keyboards, files; the SDK kept at arm's length."""
