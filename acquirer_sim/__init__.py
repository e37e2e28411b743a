"""A small stand-alone acquirer host simulator for POS terminal sign-ins.

Pure Python on purpose: the portal's tests and ``make run`` start it without
Django, and it must behave like a remote host the portal cannot reach into.
See README.md in this directory for the wire format and the management API.
"""
