"""The reports app keeps no table of its own: everything it shows is read from the
assessments. The split of 好 places it used to keep moved to kaohe.assessments.models
(SectionQuota), where the approval that it binds can read it (decision 0015)."""
