package dev.ferry.shared.time;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Random dates for property tests, from one fixed seed that every assertion message names; override it with
 * {@code -Dferry.test.seed=N} (and the number of cases with {@code -Dferry.test.cases=N}) to explore or replay.
 * Dates lean towards the ones that break code: leap days, month ends and starts, and local times next to a
 * zone's daylight-saving transitions (inside gaps and overlaps).
 */
public final class RandomDates {

    public static final long SEED = Long.getLong("ferry.test.seed", 20_240_229L);
    public static final int CASES = Integer.getInteger("ferry.test.cases", 4000);

    /** Every region zone java knows (sorted, so a seed means the same zones everywhere) and a few odd offsets. */
    public static final List<ZoneId> ZONES;

    static {
        List<ZoneId> zones = new ArrayList<>();
        new TreeSet<>(ZoneId.getAvailableZoneIds()).forEach(id -> zones.add(ZoneId.of(id)));
        for (String offset : new String[] {"Z", "+05:45", "-09:30", "+14:00", "-12:00", "+00:00:30"}) {
            zones.add(ZoneOffset.of(offset));
        }
        ZONES = List.copyOf(zones);
    }

    private RandomDates() {
    }

    /** A generator for one test: the seed mixed with the test's name, so tests do not share a sequence. */
    public static Random random(String test) {
        return new Random(SEED * 31 + test.hashCode());
    }

    /** For assertion messages: how to replay. */
    public static String replay(String test, int index) {
        return test + " case " + index + " (seed " + SEED + ", replay with -Dferry.test.seed=" + SEED + ")";
    }

    public static ZoneId zone(Random r) {
        return ZONES.get(r.nextInt(ZONES.size()));
    }

    /** A day in [minYear, maxYear]: a sixth leap days, a sixth month ends, a sixth month starts, the rest any day. */
    public static LocalDate date(Random r, int minYear, int maxYear) {
        int year = minYear + r.nextInt(maxYear - minYear + 1);
        int month = 1 + r.nextInt(12);
        switch (r.nextInt(6)) {
            case 0 -> {
                int leap = year;
                while (!Year.isLeap(leap) && leap < maxYear) {
                    leap++;
                }
                while (!Year.isLeap(leap) && leap > minYear) {
                    leap--;
                }
                return Year.isLeap(leap) ? LocalDate.of(leap, 2, 29) : LocalDate.of(leap, 2, 28);
            }
            case 1 -> {
                return LocalDate.of(year, month, 1).withDayOfMonth(LocalDate.of(year, month, 1).lengthOfMonth());
            }
            case 2 -> {
                return LocalDate.of(year, month, 1);
            }
            default -> {
                return LocalDate.of(year, month, 1 + r.nextInt(LocalDate.of(year, month, 1).lengthOfMonth()));
            }
        }
    }

    /** A time of day, whole in {@code precision}. */
    public static LocalTime time(Random r, ChronoUnit precision) {
        long nanos = (long) (r.nextDouble() * 86_400_000_000_000L);
        return LocalTime.ofNanoOfDay(Math.min(nanos, 86_399_999_999_999L)).truncatedTo(precision);
    }

    /**
     * A wall-clock time in the zone: a quarter of them within 90 minutes of one of the zone's transitions in that
     * year (often inside its gap or overlap), the rest anywhere.
     */
    public static LocalDateTime local(Random r, ZoneId zone, int minYear, int maxYear, ChronoUnit precision) {
        LocalDateTime any = date(r, minYear, maxYear).atTime(time(r, precision));
        if (r.nextInt(4) == 0) {
            ZoneOffsetTransition next = zone.getRules().nextTransition(any.withDayOfYear(1).toLocalDate().atStartOfDay()
                    .toInstant(ZoneOffset.UTC));
            if (next != null && next.getDateTimeBefore().getYear() <= maxYear) {
                LocalDateTime near = next.getDateTimeBefore().plusSeconds(r.nextInt(-5400, 5400))
                        .plusNanos(r.nextInt(1_000_000_000)).truncatedTo(precision);
                if (near.getYear() >= minYear && near.getYear() <= maxYear) {
                    return near;
                }
            }
        }
        return any;
    }

    /** The wall-clock time placed in the zone; in an overlap, either offset (half each). */
    public static ZonedDateTime place(Random r, LocalDateTime local, ZoneId zone) {
        ZonedDateTime at = ZonedDateTime.ofLocal(local, zone, null);
        return r.nextBoolean() ? at.withLaterOffsetAtOverlap() : at;
    }
}
