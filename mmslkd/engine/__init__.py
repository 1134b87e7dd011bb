# Copyright (c) mmslkd contributors. All rights reserved.
from .fileio import *  # noqa: F401,F403
from .hooks import *  # noqa: F401,F403
from .runner import *  # noqa: F401,F403
