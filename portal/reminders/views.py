from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.access import require

from . import services
from .forms import ReminderSettingForm
from .models import ReminderLog, ReminderSetting
from .registry import reminder_kind, reminder_kinds


def reminder_settings(request):
    """Ministry staff set when each kind of reminder goes out, and see what was sent."""
    require(request, "reminders.manage")
    stored = {s.kind: s for s in ReminderSetting.objects.select_related("updated_by")}
    posted = request.POST.get("kind") if request.method == "POST" else None
    rows = []
    for kind in reminder_kinds():
        setting = services.setting_of(kind, stored)
        initial = {"enabled": setting.enabled, "send_at": setting.send_at}
        if kind.key == posted:
            form = ReminderSettingForm(request.POST, prefix=kind.key)
            if form.is_valid():
                services.reminder_setting_save(
                    kind=kind.key,
                    enabled=form.cleaned_data["enabled"],
                    send_at=form.cleaned_data["send_at"],
                    by=request.user,
                )
                messages.success(
                    request, _("The schedule of “%(kind)s” was saved.") % {"kind": kind.label}
                )
                return redirect("reminders:settings")
        else:
            form = ReminderSettingForm(initial=initial, prefix=kind.key)
        rows.append((kind, setting, form))
    if posted and reminder_kind(posted) is None:
        raise Http404
    sent = ReminderLog.objects.select_related("recipient").order_by("-sent_at", "-pk")[:50]
    labels = {kind.key: kind.label for kind in reminder_kinds()}
    return render(
        request,
        "reminders/settings.html",
        {"rows": rows, "sent": sent, "labels": labels},
    )
