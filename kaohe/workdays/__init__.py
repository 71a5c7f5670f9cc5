"""The working-day calendar: the official Chinese calendar, overridable by the office.

Leave limits (half of the quarter's working days) and appeal deadlines (5 working days) are
counted with kaohe.workdays.calendar; see docs/workdays.md.
"""
