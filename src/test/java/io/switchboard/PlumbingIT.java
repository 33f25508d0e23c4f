package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.servlet.ServletContext;
import java.io.File;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Throwaway: proves the Arquillian/Payara Micro plumbing before the core lands. */
@ExtendWith(ArquillianExtension.class)
class PlumbingIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("switchboard.war")));
    }

    @Test
    void serverContainerIsPresent(@ArquillianResource ServletContext context) {
        assertNotNull(context);
        assertEquals("dev", System.getProperty("switchboard.auth"));
    }

    @Test
    @RunAsClient
    void urlIsReported(@ArquillianResource URL url) {
        System.out.println("URL " + url);
        assertEquals("/switchboard/", url.getPath());
    }
}
