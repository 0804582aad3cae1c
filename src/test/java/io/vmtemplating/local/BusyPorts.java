package io.vmtemplating.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Listeners on 0.0.0.0 at ports a developer's machine often has taken (a web server on 8080, another on 8081):
 * whatever runs meanwhile must not need them. A port someone else already holds is taken all the same.
 */
public final class BusyPorts implements AutoCloseable {
    private final List<ServerSocket> held = new ArrayList<>();

    private BusyPorts() {
    }

    public static BusyPorts hold(int... ports) throws IOException {
        BusyPorts busy = new BusyPorts();
        for (int port : ports) {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress("0.0.0.0", port));
                busy.held.add(socket);
            } catch (IOException alreadyTaken) {
                socket.close(); // held by another process: just as busy
            }
        }
        return busy;
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket socket : held) {
            socket.close();
        }
    }
}
