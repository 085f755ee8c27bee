"""The centre's composition root and processes: settings, database, queue, jobs, workers."""
