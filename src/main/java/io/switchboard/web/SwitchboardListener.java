package io.switchboard.web;

import io.switchboard.Settings;
import io.switchboard.Switchboard;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Boots Switchboard in a container (Payara, GlassFish). The container finds the endpoints by their
 * annotations; they reach the services through the configurator. Undeploying closes every
 * connection with 1001.
 */
@WebListener
public final class SwitchboardListener implements ServletContextListener {

    static final String ATTRIBUTE = Switchboard.class.getName();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setAttribute(ATTRIBUTE,
                Switchboard.start(Settings.fromEnvironment(), Switchboard.Host.CONTAINER));
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Switchboard switchboard = of(event.getServletContext());
        if (switchboard != null) {
            switchboard.close();
            event.getServletContext().removeAttribute(ATTRIBUTE);
        }
    }

    static Switchboard of(ServletContext context) {
        return (Switchboard) context.getAttribute(ATTRIBUTE);
    }
}
