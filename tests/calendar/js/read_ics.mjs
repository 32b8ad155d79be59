// Print the VEVENTs of an .ics file as ical.js (Thunderbird's parser) reads
// them: JSON, one object per event, instants in UTC.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
// A TZID is read with its VTIMEZONE only once that is registered (Thunderbird does it too).
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    summary: event.summary,
    location: event.location ?? "",
    description: event.description ?? "",
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    recurrence_id: event.recurrenceId ? event.recurrenceId.toJSDate().toISOString() : null,
  };
});
process.stdout.write(JSON.stringify(events));
