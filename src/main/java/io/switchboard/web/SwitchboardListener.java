package io.switchboard.web;

import io.switchboard.Settings;
import io.switchboard.Switchboard;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Boots Switchboard in a container (Payara, GlassFish). The container finds the endpoints by their
 * annotations; they reach the services through the configurator. Undeploying closes every
 * connection with 1001, and so does stopping the server: Payara Micro takes its listeners down on
 * SIGTERM before it stops applications, so a JVM shutdown hook sends the 1001s first.
 */
@WebListener
public final class SwitchboardListener implements ServletContextListener {

    static final String ATTRIBUTE = Switchboard.class.getName();
    /** How long the shutdown hook lets close frames leave before the container goes on stopping. */
    private static final long CLOSE_FRAMES_MILLIS = 300;

    private Thread shutdownHook;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Switchboard switchboard = Switchboard.start(Settings.fromEnvironment(), Switchboard.Host.CONTAINER);
        ServerContainer container = (ServerContainer) event.getServletContext().getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("the container offers no WebSocket ServerContainer");
        }
        try {
            // Registered here, each with this deployment's configurator: the endpoints carry no annotation to scan.
            for (ServerEndpointConfig config : switchboard.endpointConfigs()) {
                container.addEndpoint(config);
            }
        } catch (DeploymentException e) {
            switchboard.close();
            throw new IllegalStateException("Switchboard's endpoints failed to deploy", e);
        }
        event.getServletContext().setAttribute(ATTRIBUTE, switchboard);
        shutdownHook = new Thread(() -> closeAndWait(switchboard), "switchboard-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Switchboard switchboard = of(event.getServletContext());
        if (switchboard != null) {
            switchboard.close();
            event.getServletContext().removeAttribute(ATTRIBUTE);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; close() is idempotent.
        }
    }

    private static void closeAndWait(Switchboard switchboard) {
        switchboard.close();
        try {
            Thread.sleep(CLOSE_FRAMES_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Switchboard of(ServletContext context) {
        return (Switchboard) context.getAttribute(ATTRIBUTE);
    }
}
