"""The channels at the edge: Twilio SMS, the webchat API and the local chat page."""
