"""Event blocks: announcements with a time zone, a calendar file and structured data."""
