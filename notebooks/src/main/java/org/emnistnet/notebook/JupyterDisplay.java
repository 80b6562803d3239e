package org.emnistnet.notebook;

import org.emnistnet.eval.Pictures;

import java.awt.image.BufferedImage;
import java.util.Base64;

/**
 * {@code display(Object)} for headless runs. Java kernels (JJava, IJava) give every notebook a {@code display}
 * function that renders images as PNG; the runner defines the same function in the JShell session, and it prints
 * the value as one marker line on stdout, which the runner turns into a {@code display_data} output.
 */
public final class JupyterDisplay {
    static final String MARKER = "\u001b[emnistnet-display]";

    private JupyterDisplay() {
    }

    /** What the runner's {@code display(Object)} calls inside the JShell session. */
    public static void show(Object value) {
        if (value instanceof BufferedImage image) {
            System.out.println(MARKER + "image/png " + Base64.getEncoder().encodeToString(Pictures.png(image)));
        } else {
            System.out.println(MARKER + "text/plain " + Base64.getEncoder().encodeToString(String.valueOf(value).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
        }
        System.out.flush();
    }

    /** The JShell snippet that gives cells the kernel's {@code display} function. */
    static String prelude() {
        return "void display(Object value) { " + JupyterDisplay.class.getName() + ".show(value); }";
    }
}
