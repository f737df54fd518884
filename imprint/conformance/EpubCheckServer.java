// EPUBCheck kept running for many books (`publish.py check`: imprint/conformance/validators.py).
//
// EPUBCheck's command line checks one book a run, and most of a run is the JVM's
// start and the loading of EPUBCheck's schemas (about 4 s of CPU; a book then
// takes some 40 ms). More than one book a run is asked for upstream
// (w3c/epubcheck#664, #1229); the answer there: its Java API. This runs the class
// behind `java -jar epubcheck.jar` (com.adobe.epubcheck.tool.EpubChecker), a new
// one for each book, with the arguments the command line is given:
// `--json REPORT BOOK`.
//
//   request, a line on stdin:  BOOK, REPORT and LOG, tab-separated, each URL-encoded (%XX of UTF-8)
//   answer, a line on stdout:  EPUBCheck's exit code (-1: it failed with an Error)
//
// What EPUBCheck prints goes to the request's LOG, never to stdout. The process
// ends at the end of stdin, and after an Error (out of memory, say): a JVM in
// that state is not trusted with the next book, the next request starts another.
// Run with the JDK's source launcher (JEP 330): java -cp epubcheck.jar EpubCheckServer.java

import com.adobe.epubcheck.tool.EpubChecker;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

public class EpubCheckServer {

    /** Where System.out and System.err go: the log of the request being checked. */
    static final class Switch extends OutputStream {
        OutputStream target = OutputStream.nullOutputStream();

        @Override public void write(int b) throws IOException { target.write(b); }
        @Override public void write(byte[] b, int off, int len) throws IOException { target.write(b, off, len); }
        @Override public void flush() throws IOException { target.flush(); }
    }

    public static void main(String[] args) throws IOException {
        PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Switch chatter = new Switch();
        PrintStream console = new PrintStream(chatter, true, StandardCharsets.UTF_8);
        System.setOut(console);  // (before EPUBCheck's classes load: whatever they keep of System.out is this)
        System.setErr(console);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = requests.readLine()) != null; ) {
            String[] paths = line.split("\t", -1);
            if (paths.length != 3) {
                answers.println(-2);  // (not a request: the caller's fault, said as such)
                continue;
            }
            for (int i = 0; i < paths.length; i++) {
                paths[i] = URLDecoder.decode(paths[i], StandardCharsets.UTF_8);
            }
            int code;
            boolean broken = false;
            try (OutputStream log = new FileOutputStream(paths[2])) {
                chatter.target = log;
                try {
                    code = new EpubChecker().run(new String[] {"--json", paths[1], paths[0]});
                } catch (Throwable error) {  // (an Error: EpubChecker.run catches its Exceptions itself)
                    error.printStackTrace(console);
                    code = -1;
                    broken = true;
                } finally {
                    console.flush();
                    chatter.target = OutputStream.nullOutputStream();
                }
            } catch (IOException error) {  // (the log could not be opened)
                code = -1;
            }
            answers.println(code);
            if (broken) {
                return;
            }
        }
    }
}
