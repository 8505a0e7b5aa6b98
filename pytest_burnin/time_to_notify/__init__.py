"""The ``Notify`` kind: worst-case time from a breach to the first notification, per alert rule.

Above both ``alertmanager/`` (routing, timers) and ``simulation/`` (the label
sets simulations fire alerts with), which it composes.
"""
