"""The company's working-day calendar: statutory year schedules HR loads, provisional
deadlines for years nobody has loaded yet, and the notices when such a deadline moves."""
