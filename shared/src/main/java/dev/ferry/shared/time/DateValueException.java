package dev.ferry.shared.time;

/**
 * A value that is not a date or time of its format, or an instant a format cannot hold. The message is the
 * reason only; the caller adds the field, the value and the format.
 */
public final class DateValueException extends RuntimeException {

    public DateValueException(String reason) {
        super(reason, null, false, false);
    }
}
