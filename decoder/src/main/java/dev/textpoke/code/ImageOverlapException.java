package dev.textpoke.code;

import java.io.IOException;

/** Two base images (or two segments of one) claim the same addresses. */
public final class ImageOverlapException extends IOException {
    private static final long serialVersionUID = 1L;

    ImageOverlapException(String message) {
        super(message);
    }
}
