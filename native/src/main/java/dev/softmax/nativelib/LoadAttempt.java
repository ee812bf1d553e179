package dev.softmax.nativelib;

import java.util.Objects;

/**
 * One place the loader looked for oneDNN and what happened there.
 *
 * @param source   which rule of the search order this attempt belongs to
 * @param location the path, resource or folder that was tried
 * @param failure  why it did not load, or {@code null} if it loaded
 */
public record LoadAttempt(LibrarySource source, String location, String failure) {

    public LoadAttempt {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(location, "location");
    }

    static LoadAttempt loaded(LibrarySource source, String location) {
        return new LoadAttempt(source, location, null);
    }

    static LoadAttempt failed(LibrarySource source, String location, String failure) {
        return new LoadAttempt(source, location, Objects.requireNonNull(failure, "failure"));
    }

    public boolean succeeded() {
        return failure == null;
    }

    @Override
    public String toString() {
        return source.name().toLowerCase(java.util.Locale.ROOT) + " " + location
                + (failure == null ? ": loaded" : ": " + failure);
    }
}
