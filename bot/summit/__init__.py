"""Summit-day mode: the event calendar and its reminders (`calendar`), the calendar job
that enqueues them (`jobs`), near-duplicate stories (`clusters`), topic status steps
(`timeline`), and the cross-feed state the poll commit writes (`stories`).

Offers `SummitJobs`, `StoryTracker`, `ClusterIndex`, `signature`, `apply` (a status
report against a topic's status), `due_reminders`, `next_event` and `with_event_changes`.
"""
