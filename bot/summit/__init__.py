"""Summit-day mode: the event calendar and its reminders (`calendar`, `jobs`), stories
(`clusters`, `stories`), topic status steps (`timeline`), and calendar files (`ics` writes
and reads .ics with icalendar, `icsplan` judges an import, `icsimport` applies it).

Offers `SummitJobs`, `StoryTracker`, `ClusterIndex`, `signature`, `apply` (a status
report against a topic's status), `due_reminders`, `next_event`, `with_event_changes`,
`calendar_file`, `import_calendar` and `move_announcements`.
"""
