package dev.freshet.runtime.streamtable;

/**
 * One step of a profiled refresh ({@code freshet refresh --profile}): what it did, in words, and how long
 * it took.
 */
public record RefreshStepTime(String step, double millis) {
}
