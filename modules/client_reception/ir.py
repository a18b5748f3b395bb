# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('reception.visit|send_itineraries',
                    "Send Itineraries to the Guests' Leaders"),
                ('reception.visit|remind_feedback',
                    "Remind Reception Leads of Their Feedback"),
                ('reception.training|send_weekly',
                    "Send Next Week's Training Classes to the Sales Head"),
                ])
