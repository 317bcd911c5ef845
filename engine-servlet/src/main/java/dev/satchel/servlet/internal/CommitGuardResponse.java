package dev.satchel.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Runs a hook once, just before the response can commit (a redirect, an error, a flush, or a body
 * about to fill the buffer or reach the declared length), so headers such as {@code Set-Cookie} can
 * still be added. If the hook refuses the response, it becomes the status the hook answers instead
 * (400 for a session deleted meanwhile, 409 for a conflicting save).
 */
public final class CommitGuardResponse extends HttpServletResponseWrapper {
    /** The decision to run before commit. */
    @FunctionalInterface
    public interface Hook {
        /** Runs before commit; {@link #PROCEED}, or the status that replaces the application's response. */
        int beforeCommit(int status);
    }

    /** What {@link Hook#beforeCommit} answers to let the response proceed as the application wrote it. */
    public static final int PROCEED = 0;

    private final Hook hook;
    private boolean done;
    private int refusal = PROCEED;
    private long written;
    private long contentLength = -1;
    private GuardedOutputStream stream;
    private PrintWriter writer;

    public CommitGuardResponse(HttpServletResponse response, Hook hook) {
        super(response);
        this.hook = hook;
    }

    /** Runs the hook if it has not run; returns whether the response may proceed as the app wrote it. */
    public boolean commitPoint(int status) {
        if (done) {
            return refusal == PROCEED;
        }
        done = true;
        refusal = hook.beforeCommit(status);
        if (refusal != PROCEED) {
            HttpServletResponse response = (HttpServletResponse) getResponse();
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.setStatus(refusal);
            }
        }
        return refusal == PROCEED;
    }

    /**
     * Ends the request: runs the hook with the final status, then pushes out what the application
     * left in this wrapper's writer.
     */
    public void finish() throws IOException {
        commitPoint(getStatus());
        if (writer != null) {
            writer.flush();
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        super.sendError(commitPoint(sc) ? sc : refusal);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (commitPoint(sc)) {
            super.sendError(sc, msg);
        } else {
            super.sendError(refusal);
        }
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        if (commitPoint(302)) {
            super.sendRedirect(location);
        } else {
            super.sendError(refusal);
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        commitPoint(getStatus());
        super.flushBuffer();
    }

    @Override
    public void setContentLength(int len) {
        contentLength = len;
        super.setContentLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        contentLength = len;
        super.setContentLengthLong(len);
    }

    private void beforeWriting(long bytes) {
        if (done) {
            return;
        }
        written += bytes;
        int buffer = getBufferSize();
        if ((buffer > 0 && written >= buffer) || (contentLength >= 0 && written >= contentLength)) {
            commitPoint(getStatus());
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new GuardedOutputStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            // Written through our own stream so that bytes, not characters, are counted.
            writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), charset), false);
        }
        return writer;
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        written = 0;
    }

    @Override
    public void reset() {
        super.reset();
        written = 0;
        contentLength = -1;
    }

    /** Counts bytes on their way to the container's stream and flushes through the guard. */
    private final class GuardedOutputStream extends ServletOutputStream {
        private final ServletOutputStream out;

        GuardedOutputStream(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            beforeWriting(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWriting(len);
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            commitPoint(getStatus());
            out.flush();
        }

        @Override
        public void close() throws IOException {
            commitPoint(getStatus());
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
