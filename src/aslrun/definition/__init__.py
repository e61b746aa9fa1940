"""From a file or a dict to the frozen model: loaders (ASL JSON/YAML, serverless.yml,
CloudFormation/SAM), the one-pass walk that checks and builds (``validate.load_model``), and
the model itself."""

from __future__ import annotations
