package health.yilian.server;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The FHIR servlet's response, which sends its body when the body is complete or the container's buffer is full,
 * never on the encoder's {@code flush()}. Why: HAPI's JSON encoder writes every primitive value through Jackson's
 * {@code ObjectMapper.writeValue}, which flushes after each value ({@code FLUSH_AFTER_WRITE_VALUE}), and each flush
 * of the servlet writer sends a chunk to the socket. A 1.6 MB CapabilityStatement took 0.33 s in JSON against 0.08 s
 * in XML on 2 cores; 0.09 s with this (bench/RESULTS.md). HAPI's mapper is private to its parser, so the flushes are absorbed here;
 * closing the writer or stream, as HAPI does when it commits a response, still sends everything, and a body that
 * fits in the buffer now goes out with a Content-Length instead of chunked.
 */
final class ResponseFlushedWhenComplete extends HttpServletResponseWrapper {

	private PrintWriter writer;
	private ServletOutputStream stream;

	ResponseFlushedWhenComplete(HttpServletResponse response) {
		super(response);
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		if (writer == null) {
			writer = new PrintWriter(super.getWriter()) {
				@Override
				public void flush() {
					// sent when the container's buffer fills or the writer is closed
				}
			};
		}
		return writer;
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		if (stream == null) {
			ServletOutputStream container = super.getOutputStream();
			stream = new ServletOutputStream() {
				@Override
				public void write(int b) throws IOException {
					container.write(b);
				}

				@Override
				public void write(byte[] bytes, int offset, int length) throws IOException {
					container.write(bytes, offset, length);
				}

				@Override
				public void flush() {
					// sent when the container's buffer fills or the stream is closed
				}

				@Override
				public void close() throws IOException {
					container.close();
				}

				@Override
				public boolean isReady() {
					return container.isReady();
				}

				@Override
				public void setWriteListener(WriteListener listener) {
					container.setWriteListener(listener);
				}
			};
		}
		return stream;
	}
}
