// Reads an iCalendar file (path in argv[2], or stdin) with Mozilla's ical.js,
// the parser Thunderbird uses, and prints what a client would see as JSON:
// one object per VEVENT plus the calendar's own properties.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2] ?? 0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
// As a client does: the feed's own VTIMEZONEs give timed events their offset.
for (const tz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);

// "2025-01-18T08:00:00+07:00" for a time in a zone (as Python's isoformat), "2025-01-18" for a date.
const iso = (t) => {
  if (t.isDate || t.zone === ICAL.Timezone.utcTimezone || t.zone === ICAL.Timezone.localTimezone) return t.toString();
  const off = t.utcOffset();
  const abs = Math.abs(off);
  const hh = String(Math.floor(abs / 3600)).padStart(2, "0");
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, "0");
  return `${t.toString()}${off < 0 ? "-" : "+"}${hh}:${mm}`;
};

const value = (comp, name) => {
  const v = comp.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : v.toString();
};

const events = root.getAllSubcomponents("vevent").map((comp) => {
  const ev = new ICAL.Event(comp);
  return {
    uid: ev.uid,
    summary: ev.summary,
    description: ev.description,
    start: iso(ev.startDate),
    end: iso(ev.endDate),
    start_is_date: ev.startDate.isDate,
    sequence: ev.sequence,
    status: value(comp, "status"),
    categories: comp.getFirstPropertyValue("categories"),
    dtstamp: value(comp, "dtstamp"),
    alarms: comp.getAllSubcomponents("valarm").map((a) => ({
      action: value(a, "action"),
      trigger: value(a, "trigger"),
      description: value(a, "description"),
    })),
  };
});

process.stdout.write(
  JSON.stringify({
    method: value(root, "method"),
    calname: value(root, "x-wr-calname"),
    timezone: value(root, "x-wr-timezone"),
    refresh: value(root, "refresh-interval"),
    timezones: root.getAllSubcomponents("vtimezone").map((tz) => value(tz, "tzid")),
    events,
  }),
);
