package bench.openai;

/** Every {@link StreamClientTest} again, on NIO's selector (the loop for https and for Java 21). */
class StreamClientNioTest extends StreamClientTest {
    @Override
    StreamClient.Io io() {
        return StreamClient.Io.NIO;
    }
}
