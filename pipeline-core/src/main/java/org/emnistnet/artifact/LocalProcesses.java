package org.emnistnet.artifact;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who wrote a lock or a temporary output, and whether that writer is provably gone: only a process on this host
 * can be checked, so anything written from another host is never taken for dead.
 */
public final class LocalProcesses {
    private LocalProcesses() {
    }

    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    public static long pid() {
        return ProcessHandle.current().pid();
    }

    /** True only when {@code host} is this host and no process {@code pid} is alive on it. */
    public static boolean isDeadOnThisHost(String host, long pid) {
        return host().equals(host) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
}
