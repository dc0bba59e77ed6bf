package maillage.neo4jlocal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Starts one or more Neo4j Community databases embedded in this JVM, each
 * with its own Bolt connector on a loopback address and its own home
 * directory, and prints one line per instance once its Bolt port accepts
 * connections:
 *
 * <pre>neo4j-local ready bolt://127.0.0.1:PORT</pre>
 *
 * Several instances exist because Community has a single user database:
 * test packages that run at the same time each lock one instance for
 * themselves instead of emptying each other's data.
 *
 * Environment: NEO4J_LOCAL_DIR (home of the instances, default
 * ./neo4j-local-data), NEO4J_LOCAL_ADDR (host:port of the first instance,
 * default 127.0.0.1:7687; port 0 picks free ports), NEO4J_LOCAL_INSTANCES
 * (default 1; instances after the first take the next ports, or free ports
 * when the first is 0), NEO4J_LOCAL_PASSWORD (initial password of the user
 * neo4j, required, at least 8 characters), NEO4J_LOCAL_PAGECACHE (per
 * instance, default 256m), NEO4J_LOCAL_FOR_TESTS (1: keep query plans once
 * made, see below).
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path home = Path.of(env.getOrDefault("NEO4J_LOCAL_DIR", "neo4j-local-data")).toAbsolutePath();
        String addr = env.getOrDefault("NEO4J_LOCAL_ADDR", "127.0.0.1:7687");
        int instances = Integer.parseInt(env.getOrDefault("NEO4J_LOCAL_INSTANCES", "1"));
        String password = env.get("NEO4J_LOCAL_PASSWORD");
        String pageCache = env.getOrDefault("NEO4J_LOCAL_PAGECACHE", "256m");
        boolean forTests = "1".equals(env.get("NEO4J_LOCAL_FOR_TESTS"));
        if (password == null || password.length() < 8) {
            System.err.println("neo4j-local: set NEO4J_LOCAL_PASSWORD (8 characters or more): the initial password of the user neo4j");
            System.exit(2);
        }
        int colon = addr.lastIndexOf(':');
        if (colon < 0) {
            System.err.println("neo4j-local: NEO4J_LOCAL_ADDR must be host:port, got " + addr);
            System.exit(2);
        }
        String host = addr.substring(0, colon);
        int firstPort = Integer.parseInt(addr.substring(colon + 1));
        // Neo4j logs through its own log files; keep the console for our lines.
        Logger.getLogger("").setLevel(Level.WARNING);

        List<DatabaseManagementService> started = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM and SIGINT land here: shut every instance down so each
            // store is closed cleanly and the next start needs no recovery.
            for (DatabaseManagementService dbms : started) {
                try {
                    dbms.shutdown();
                } catch (RuntimeException e) {
                    System.err.println("neo4j-local: shutdown: " + e);
                }
            }
            System.out.println("neo4j-local stopped");
            System.out.flush();
            stop.countDown();
        }, "neo4j-local-shutdown"));

        for (int i = 0; i < instances; i++) {
            int port = firstPort == 0 ? 0 : firstPort + i;
            Path dir = home.resolve(instances == 1 ? "neo4j" : "neo4j-" + i);
            Files.createDirectories(dir);
            DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(dir);
            if (forTests) {
                // Test suites empty the database between tests, so the data
                // statistics swing all the time and Neo4j would replan every
                // statement again and again: planning, not running, was most
                // of the suites' CPU. Plans made once are good enough there.
                builder.setConfig(GraphDatabaseSettings.cypher_min_replan_interval, Duration.ofHours(24))
                        .setConfig(GraphDatabaseSettings.query_statistics_divergence_threshold, 1.0);
            }
            DatabaseManagementService dbms = builder
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                    .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
                    .build();
            synchronized (started) {
                started.add(dbms);
            }
            setPassword(dbms, password);
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            var hp = ((GraphDatabaseAPI) db).getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT);
            InetSocketAddress bound = new InetSocketAddress(host, hp.getPort());
            waitForBolt(bound);
            System.out.println("neo4j-local ready bolt://" + host + ":" + bound.getPort());
            System.out.flush();
        }
        stop.await();
    }

    // setPassword gives the user neo4j the configured password, so a client
    // can sign in at once (the default password must otherwise be changed
    // first). A restart on the same directory does it again, and Neo4j
    // refuses to set a password to the one it already is: that refusal
    // means the password is right, and the start goes on.
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    // waitForBolt returns once the Bolt port accepts a TCP connection, so
    // the ready line means a client can connect.
    private static void waitForBolt(InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(address, 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Bolt never accepted connections on " + address, e);
                }
                Thread.sleep(50);
            }
        }
    }
}
