package io.switchboard.store;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Test only: {@link StoreOnPayaraIT} adds it to the WAR it deploys; the shipped WAR has no such
 * thing. It redeploys the application it belongs to inside the running Payara Micro, as an operator's
 * redeploy does: the same JVM, the same JDBC pool, the application undeployed (its listener closes
 * the store) and deployed again from the same archive.
 *
 * <p>Why not Arquillian's {@code Deployer}: the Payara Micro adapter deploys by starting a Micro JVM
 * with {@code --deploy} and undeploys by stopping it, so undeploy + deploy there is a restart of the
 * server, not a redeploy. Micro's own runtime API ({@code PayaraMicroRuntime.undeploy/deploy}) does
 * redeploy; it is reached by reflection, as in {@code InContainerIT}, so that the tests need no Payara
 * jar on their class path.
 *
 * <p>{@code GET} answers {@code {"deployment":"<id>","pid":N}}: the id is new with every deployment
 * (this class is loaded again by each deployment's class loader), the pid is Micro's JVM. {@code POST}
 * answers 202 and then redeploys, on a thread of its own: the request's thread belongs to the very
 * application being undeployed.
 */
@WebServlet("/it/redeploy")
public final class RedeployServlet extends HttpServlet {

    /** This deployment's id; a redeploy loads this class afresh and so makes a new one. */
    private static final String DEPLOYMENT = UUID.randomUUID().toString();
    private static final Logger LOG = Logger.getLogger(RedeployServlet.class.getName());

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.getWriter().write("{\"deployment\":\"" + DEPLOYMENT + "\",\"pid\":" + ProcessHandle.current().pid() + "}");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getServletContext().getContextPath().substring(1);
        Object runtime;
        Method undeploy;
        Method deploy;
        Collection<?> deployed;
        ClassLoader micro;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            Class<?> payaraMicro = Class.forName("fish.payara.micro.PayaraMicro", true, loader);
            Class<?> runtimeType = Class.forName("fish.payara.micro.PayaraMicroRuntime", true, loader);
            runtime = payaraMicro.getMethod("getRuntime").invoke(payaraMicro.getMethod("getInstance").invoke(null));
            undeploy = runtimeType.getMethod("undeploy", String.class);
            deploy = runtimeType.getMethod("deploy", String.class, String.class, InputStream.class);
            deployed = (Collection<?>) runtimeType.getMethod("getDeployedApplicationNames").invoke(runtime);
            micro = runtime.getClass().getClassLoader();
        } catch (ReflectiveOperationException e) {
            response.sendError(500, "not on Payara Micro? " + e);
            return;
        }
        if (!deployed.contains(name)) {
            response.sendError(500, "no application " + name + " among " + deployed);
            return;
        }
        // The archive Micro was started with (the adapter's --deploy), read now: undeploying may remove it.
        byte[] war = Files.readAllBytes(Path.of(argumentAfter("--deploy")));

        Thread redeploy = new Thread(() -> {
            try {
                undeploy.invoke(runtime, name);
                if (!Boolean.TRUE.equals(deploy.invoke(runtime, name, name, new ByteArrayInputStream(war)))) {
                    LOG.severe("it/redeploy: Payara Micro did not deploy the application again");
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.SEVERE, "it/redeploy failed", e);
            }
        }, "it-redeploy");
        // Not this application's loader: the thread outlives it.
        redeploy.setContextClassLoader(micro);
        response.setStatus(202);
        response.setContentType("application/json");
        response.getWriter().write("{\"deployment\":\"" + DEPLOYMENT + "\"}");
        response.flushBuffer();
        redeploy.start();
    }

    private static String argumentAfter(String option) throws IOException {
        List<String> arguments = List.of(ProcessHandle.current().info().arguments().orElse(new String[0]));
        int at = arguments.indexOf(option);
        if (at < 0 || at + 1 >= arguments.size()) {
            throw new IOException("Payara Micro was started without " + option + ": " + arguments);
        }
        return arguments.get(at + 1);
    }
}
