"""User profiles: loading Braze user exports, `/users/track` bodies and YAML, and mapping a
user to the Liquid globals a Braze template reads. Knows nothing of templates.
"""

from __future__ import annotations

from rokt_braze.profiles.loading import (
    ProfileError,
    files_under,
    hidden_name,
    iter_profiles,
    load_profiles,
    to_profile,
)
from rokt_braze.profiles.profile import Profile
from rokt_braze.profiles.sample import sample_subscriber
from rokt_braze.profiles.times import BrazeTime

__all__ = [
    "BrazeTime",
    "Profile",
    "ProfileError",
    "files_under",
    "hidden_name",
    "iter_profiles",
    "load_profiles",
    "sample_subscriber",
    "to_profile",
]
