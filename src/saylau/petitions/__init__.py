"""Online petitions (electoral-rules §8): the lifecycle and thresholds, on the working-day
calendar, as pure functions of the petition, the event and the law of the day."""
