"""The national resident index (住基ネット stand-in): its 異動 feed and the checks against it."""
