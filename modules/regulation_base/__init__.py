# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

__all__ = [
    'ApprovalMixin', 'ApprovalWorkflowMixin', 'WorkflowGuardMixin',
    'approval_required', 'approval_submitting', 'in_force']


def __getattr__(name):
    if name in {'ApprovalMixin', 'ApprovalWorkflowMixin', 'WorkflowGuardMixin',
            'approval_required', 'approval_submitting'}:
        from . import approval
        return getattr(approval, name)
    elif name == 'in_force':
        from .regulation import in_force
        return in_force
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
