"""Every judgement cqctrack makes, in one place.

The closure rule (`closure`), BRAG and escalation (`drift`), what counts as a
logged extension (`extensions`), measures and concerns (`measures`), the check
rules (`checks`) and the audit flags of history (`audit`). Rules take data (records,
history facts, the policy) and `today`, and return findings; they never touch
disk, git, the clock or the terminal. `codes` lists every code they can give.
"""
