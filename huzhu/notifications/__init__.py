"""In-app notifications (the bell): any feature creates them through ``notification_create``."""
