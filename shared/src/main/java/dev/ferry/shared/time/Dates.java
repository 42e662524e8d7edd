package dev.ferry.shared.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Placing local times in a zone, the one rule for daylight-saving gaps and overlaps. */
public final class Dates {

    private Dates() {
    }

    /**
     * The instant a wall-clock time names in a zone. A time in a gap (clocks jump forward, e.g. 02:30 on the
     * spring-forward night in Europe/Berlin) is read with the offset before the gap, so it lands as far after
     * the gap's start as it was written (03:30 CEST); a time in an overlap (clocks go back, 02:30 is there twice)
     * is the first of the two, at the earlier offset (summer time). This is java.time's
     * {@code ZonedDateTime.ofLocal} without a preferred offset, and the rule of RFC 5545 (iCalendar) 3.3.5.
     */
    public static Instant inZone(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    /** @throws DateValueException when the instant is beyond the dates the zone can show */
    public static ZonedDateTime atZone(Instant instant, ZoneId zone) {
        try {
            return instant.atZone(zone);
        } catch (DateTimeException e) {
            throw new DateValueException("outside the " + EpochUnit.RANGE + " in zone " + zone);
        }
    }
}
