"""Who may use the inbox: every signed-in person has one (staff, leaders, volunteers, residents) and
sees only their own notifications (selectors.py). Nothing here widens that."""

import rules

rules.add_perm("notifications.use_inbox", rules.is_authenticated & rules.is_active)
