// Print the occurrences of an .ics file's events up to a date, as ical.js
// (Thunderbird's parser) expands them: each master's RRULE and EXDATEs,
// with the overrides (RECURRENCE-ID) related to it, as Thunderbird does.
// JSON, one object per occurrence, instants in UTC.
// Usage: node expand_ics.mjs FILE UNTIL (UNTIL: an ISO instant)
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const until = new Date(process.argv[3]);
const calendar = new ICAL.Component(ICAL.parse(text));
// A TZID is read with its VTIMEZONE only once that is registered (Thunderbird does it too).
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const components = calendar.getAllSubcomponents("vevent");
const masters = new Map();
const orphans = [];
for (const component of components) {
  if (!component.hasProperty("recurrence-id")) {
    masters.set(component.getFirstPropertyValue("uid"), new ICAL.Event(component));
  }
}
for (const component of components) {
  if (component.hasProperty("recurrence-id")) {
    const master = masters.get(component.getFirstPropertyValue("uid"));
    if (master) master.relateException(component);
    else orphans.push(new ICAL.Event(component));
  }
}
const iso = (time) => time.toJSDate().toISOString();
const found = [];
for (const event of masters.values()) {
  if (!event.isRecurring()) {
    found.push({ uid: event.uid, recurrence_id: null, start: iso(event.startDate),
                 end: iso(event.endDate), summary: event.summary });
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    if (next.toJSDate() > until) break; // by scheduled date: a moved one may start later
    found.push({ uid: event.uid, recurrence_id: iso(details.recurrenceId),
                 start: iso(details.startDate), end: iso(details.endDate),
                 summary: details.item.summary });
  }
}
for (const event of orphans) {
  found.push({ uid: event.uid, recurrence_id: iso(event.recurrenceId),
               start: iso(event.startDate), end: iso(event.endDate), summary: event.summary });
}
process.stdout.write(JSON.stringify(found));
