package dev.ferry.shared.time;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * What a date or time text said: a day, a local date-time (a wall-clock time without offset), or an exact
 * instant (the text carried an offset or a zone). A zone given by the caller completes the first two.
 */
public sealed interface Reading {

    /** The instant: a day starts at its first moment in the zone; a local time is placed by {@link Dates#inZone}. */
    Instant instant(ZoneId zone);

    /** The calendar day: a day and a local time keep the day they name; an instant takes its day in the zone. */
    LocalDate date(ZoneId zone);

    /** @param zone the zone or offset the text named with the day, or null */
    record Day(LocalDate day, ZoneId zone) implements Reading {
        @Override
        public Instant instant(ZoneId fallback) {
            // atStartOfDay: where midnight falls in a gap (some zones change at 00:00), the day starts after it.
            return day.atStartOfDay(zone == null ? fallback : zone).toInstant();
        }

        @Override
        public LocalDate date(ZoneId fallback) {
            return day;
        }
    }

    record Local(LocalDateTime dateTime) implements Reading {
        @Override
        public Instant instant(ZoneId zone) {
            return Dates.inZone(dateTime, zone);
        }

        @Override
        public LocalDate date(ZoneId zone) {
            return dateTime.toLocalDate();
        }
    }

    record Exact(Instant at) implements Reading {
        @Override
        public Instant instant(ZoneId zone) {
            return at;
        }

        @Override
        public LocalDate date(ZoneId zone) {
            return Dates.atZone(at, zone).toLocalDate();
        }
    }
}
