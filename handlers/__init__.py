"""The conversation: one transport-free flow for every channel."""
