package govkg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Neo4j Community, embedded, with Bolt on 127.0.0.1:PORT and authentication on, for govkg's tests.
 *
 * Usage: TestServer [PORT]   (default 7687). User neo4j, password from NEO4J_PASSWORD (default
 * govkg-test-pass). The data directory is a fresh temporary folder (NEO4J_TEST_DIR to choose its
 * parent), deleted on exit; LOAD CSV reads files from NEO4J_IMPORT_DIR. Prints bolt://127.0.0.1:PORT on its own line once Bolt accepts
 * connections; SIGTERM (or SIGINT) shuts the DBMS down cleanly.
 */
public final class TestServer {
    static final String DEFAULT_PASSWORD = "govkg-test-pass";

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7687;
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "");
        if (password.isEmpty()) {
            password = DEFAULT_PASSWORD;
        }
        String parent = System.getenv("NEO4J_TEST_DIR");
        Path home = parent == null || parent.isEmpty()
                ? Files.createTempDirectory("govkg-neo4j-")
                : Files.createTempDirectory(Path.of(parent), "govkg-neo4j-");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir(home))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                deleteTree(home);
                stopped.countDown();
            }
        }, "govkg-neo4j-shutdown"));

        // The initial user: neo4j with the given password, no change required at first login.
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

        waitForBolt(port);
        System.out.println("bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /** LOAD CSV reads file:/// URLs from NEO4J_IMPORT_DIR when set, else from an import folder in the data directory. */
    private static Path importDir(Path home) throws IOException {
        String dir = System.getenv("NEO4J_IMPORT_DIR");
        return dir == null || dir.isEmpty() ? Files.createDirectories(home.resolve("import")) : Path.of(dir).toAbsolutePath();
    }

    private static void waitForBolt(int port) throws InterruptedException {
        for (int attempt = 0; attempt < 600; attempt++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("Bolt did not accept connections on 127.0.0.1:" + port);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
