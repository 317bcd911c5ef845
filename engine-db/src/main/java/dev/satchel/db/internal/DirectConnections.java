package dev.satchel.db.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.DriverDataSource;
import com.zaxxer.hikari.util.IsolationLevel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Opens unpooled connections set up as the pool sets up its own (isolation level, read-only, init
 * SQL), for the moments when the pool holds no connection at all. Closing one closes it for good.
 */
public final class DirectConnections {
    private final DataSource source;
    private final HikariConfig config;

    /** Connections to what {@code config} points at, through the same decorator as the pool's. */
    public DirectConnections(HikariConfig config, UnaryOperator<DataSource> decorator) {
        DataSource driver = new DriverDataSource(
                config.getJdbcUrl(),
                config.getDriverClassName(),
                config.getDataSourceProperties(),
                config.getUsername(),
                config.getPassword());
        this.source = decorator == null ? driver : decorator.apply(driver);
        this.config = config;
    }

    /** A new connection, ready for the engine's statements. */
    public Connection open() throws SQLException {
        Connection c = source.getConnection();
        try {
            c.setAutoCommit(config.isAutoCommit());
            if (config.isReadOnly()) {
                c.setReadOnly(true);
            }
            if (config.getTransactionIsolation() != null) {
                c.setTransactionIsolation(
                        IsolationLevel.valueOf(config.getTransactionIsolation()).getLevelId());
            }
            if (config.getCatalog() != null) {
                c.setCatalog(config.getCatalog());
            }
            if (config.getSchema() != null) {
                c.setSchema(config.getSchema());
            }
            if (config.getConnectionInitSql() != null) {
                try (Statement st = c.createStatement()) {
                    st.execute(config.getConnectionInitSql());
                }
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
