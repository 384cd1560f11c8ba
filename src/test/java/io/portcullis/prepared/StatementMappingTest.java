package io.portcullis.prepared;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.portcullis.prepared.Wire.bind;
import static io.portcullis.prepared.Wire.bindComplete;
import static io.portcullis.prepared.Wire.closeComplete;
import static io.portcullis.prepared.Wire.closeStatement;
import static io.portcullis.prepared.Wire.commandComplete;
import static io.portcullis.prepared.Wire.dataRow;
import static io.portcullis.prepared.Wire.describePortal;
import static io.portcullis.prepared.Wire.describeStatement;
import static io.portcullis.prepared.Wire.error;
import static io.portcullis.prepared.Wire.execute;
import static io.portcullis.prepared.Wire.flush;
import static io.portcullis.prepared.Wire.noData;
import static io.portcullis.prepared.Wire.notice;
import static io.portcullis.prepared.Wire.parameterDescription;
import static io.portcullis.prepared.Wire.parse;
import static io.portcullis.prepared.Wire.parseComplete;
import static io.portcullis.prepared.Wire.query;
import static io.portcullis.prepared.Wire.ready;
import static io.portcullis.prepared.Wire.rowDescription;
import static io.portcullis.prepared.Wire.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rewriting both streams and keeping the answers in order, with hand-built frames. */
class StatementMappingTest {

    private static final String Q1 = "select $1::int";
    private static final String Q2 = "select 2";
    private static final String Q3 = "select 3";

    /** A session whose first batch prepared S_1 = Q1 on the cache as portcullis_1 and ran it. */
    private static Session preparedS1(ServerStatementCache cache) {
        Session session = new Session(200, cache);
        session.fromClient(parse("S_1", Q1, 23), bind("", "S_1", "7"), execute(""), sync());
        session.fromServer(parseComplete(), bindComplete(), dataRow("7"), commandComplete("SELECT 1"), ready());
        session.clientRead();
        return session;
    }

    @Test
    void aNamedParseIsRenamedAndItsAnswersPass() {
        Session session = new Session(200, new ServerStatementCache(200));
        assertEquals(List.of("P(portcullis_1|" + Q1 + ")", "B(|portcullis_1)", "E()", "S"),
                session.fromClient(parse("S_1", Q1, 23), bind("", "S_1", "7"), execute(""), sync()));
        assertFalse(session.mapping.quiet());
        Buffer answers = Wire.join(parseComplete(), bindComplete(), dataRow("7"), commandComplete("SELECT 1"), ready());
        assertEquals(List.of("1", "2", "D", "C(SELECT 1)", "Z(I)"), session.fromServer(answers));
        assertSame(answers, session.lastOut, "nothing to swallow or answer: the same Buffer goes to the client");
        assertTrue(session.mapping.quiet());
    }

    @Test
    void chunksWithoutNamedStatementsAreForwardedAsTheSameBuffer() {
        Session session = new Session(200, new ServerStatementCache(200));
        Buffer chunk = Wire.join(parse("", Q2), bind("", ""), describePortal(""), execute(""), sync(), query("select 1"));
        assertEquals(6, session.fromClient(chunk).size());
        assertSame(chunk, session.lastOut);
        Buffer answers = Wire.join(parseComplete(), bindComplete(), rowDescription(), dataRow("2"),
                commandComplete("SELECT 1"), ready(), rowDescription(), dataRow("1"), commandComplete("SELECT 1"), ready());
        session.fromServer(answers);
        assertSame(answers, session.lastOut);
        assertTrue(session.mapping.quiet());
    }

    @Test
    void aServerConnectionThatLacksTheStatementGetsItPreparedFirst() {
        Session session = preparedS1(new ServerStatementCache(200));
        session.attach(new ServerStatementCache(200)); // the next transaction lands elsewhere
        assertEquals(List.of("P(portcullis_1|" + Q1 + ")", "B(|portcullis_1)", "E()", "S"),
                session.fromClient(bind("", "S_1", "8"), execute(""), sync()));
        assertEquals(List.of("2", "D", "C(SELECT 1)", "Z(I)"),
                session.fromServer(parseComplete(), bindComplete(), dataRow("8"), commandComplete("SELECT 1"), ready()),
                "the ParseComplete of the gateway's Parse is swallowed");
        assertTrue(session.mapping.quiet());
    }

    @Test
    void describeOfAStatementIsRenamedToo() {
        Session session = preparedS1(new ServerStatementCache(200));
        session.attach(new ServerStatementCache(200));
        assertEquals(List.of("P(portcullis_1|" + Q1 + ")", "D(S:portcullis_1)", "S"),
                session.fromClient(describeStatement("S_1"), sync()));
        assertEquals(List.of("t", "T", "Z(I)"),
                session.fromServer(parseComplete(), parameterDescription(), rowDescription(), ready()));
    }

    @Test
    void aStatementAnotherClientPreparedIsAnsweredWithoutTheBackend() {
        ServerStatementCache cache = new ServerStatementCache(200);
        preparedS1(cache);
        Session other = new Session(200, cache);
        assertEquals(List.of("B(|portcullis_1)", "E()", "S"),
                other.fromClient(parse("P_0", Q1, 23), bind("", "P_0", "9"), execute(""), sync()));
        assertEquals(List.of("1"), other.clientSaw(), "nothing outstanding before it: answered at once");
        assertEquals(List.of("1", "2", "D", "C(SELECT 1)", "Z(I)"),
                other.fromServer(bindComplete(), dataRow("9"), commandComplete("SELECT 1"), ready()));
    }

    @Test
    void anAnsweredParseCompleteWaitsForTheAnswersBeforeIt() {
        ServerStatementCache cache = new ServerStatementCache(200);
        preparedS1(cache);
        Session other = new Session(200, cache);
        assertEquals(List.of("P(|" + Q2 + ")", "B(|)", "E()", "B(|portcullis_1)", "E()", "S"),
                other.fromClient(parse("", Q2), bind("", ""), execute(""),
                        parse("P_0", Q1, 23), bind("", "P_0", "5"), execute(""), sync()));
        assertEquals(List.of(), other.clientSaw());
        assertEquals(List.of("1", "2", "D"), other.fromServer(parseComplete(), bindComplete(), dataRow("2")));
        assertEquals(List.of("1", "2", "D", "C(SELECT 1)", "1", "2", "D", "C(SELECT 1)", "Z(I)"),
                other.fromServer(commandComplete("SELECT 1"), bindComplete(), dataRow("5"), commandComplete("SELECT 1"), ready()));
    }

    @Test
    void closeIsAnsweredAndTheStatementStaysPreparedOnTheServer() {
        ServerStatementCache cache = new ServerStatementCache(200);
        Session session = preparedS1(cache);
        assertEquals(List.of("S"), session.fromClient(closeStatement("S_1"), sync()));
        assertEquals(List.of("3"), session.clientSaw());
        assertEquals(List.of("3", "Z(I)"), session.fromServer(ready()));
        assertEquals(1, cache.size());
        // the name is free again, for another query
        assertEquals(List.of("P(portcullis_2|" + Q2 + ")", "S"), session.fromClient(parse("S_1", Q2), sync()));
        session.fromServer(parseComplete(), ready());
        // and for the first query again, which is still prepared
        session.clientRead();
        assertEquals(List.of("S"), session.fromClient(closeStatement("S_1"), parse("S_1", Q1, 23), sync()));
        assertEquals(List.of("3", "1", "Z(I)"), session.fromServer(ready()));
    }

    @Test
    void closeOfAPortalOrAnUnknownNameIsForwarded() {
        Session session = preparedS1(new ServerStatementCache(200));
        Buffer chunk = Wire.join(closeStatement("nope"), Wire.frame('C', Buffer.buffer().appendByte((byte) 'P')
                .appendString("C_1").appendByte((byte) 0)), sync());
        assertEquals(List.of("C(S:nope)", "C(P:C_1)", "S"), session.fromClient(chunk));
        assertSame(chunk, session.lastOut);
    }

    @Test
    void parseOfAnExistingNameIs42P05AndTheRestUpToSyncIsDropped() {
        Session session = preparedS1(new ServerStatementCache(200));
        assertEquals(List.of("S"), session.fromClient(parse("S_1", Q2), bind("", "S_1"), describePortal(""),
                execute(""), flush(), sync()).stream().filter(f -> !f.equals("H")).toList());
        assertEquals(List.of("E(42P05:prepared statement \"S_1\" already exists)"), session.clientSaw());
        assertEquals(List.of("E(42P05:prepared statement \"S_1\" already exists)", "Z(I)"), session.fromServer(ready()));
        assertTrue(session.mapping.quiet());
        // S_1 is still the first statement
        assertEquals(List.of("B(|portcullis_1)", "E()", "S"), session.fromClient(bind("", "S_1", "1"), execute(""), sync()));
    }

    @Test
    void aFailedParseIsForgottenOnBothSidesAndItsNameClosedAtTheNextBatch() {
        ServerStatementCache cache = new ServerStatementCache(200);
        Session session = new Session(200, cache);
        session.fromClient(parse("S_1", "selec oops"), bind("", "S_1"), execute(""), sync());
        assertEquals(List.of("E(00000:syntax error)", "Z(I)"), session.fromServer(error("syntax error"), ready()));
        assertEquals(0, cache.size(), "a failed Parse is not recorded as prepared");
        session.clientRead();
        assertEquals(List.of("C(S:portcullis_1)", "P(portcullis_2|select 1)", "S"),
                session.fromClient(parse("S_1", "select 1"), sync()), "the name is free again; the failed one is closed first");
        assertEquals(List.of("1", "Z(I)"), session.fromServer(closeComplete(), parseComplete(), ready()));
    }

    @Test
    void anAnswerForAMessageTheBackendSkippedIsNotSent() {
        ServerStatementCache cache = new ServerStatementCache(200);
        preparedS1(cache);
        Session other = new Session(200, cache);
        assertEquals(List.of("B(|missing)", "E()", "S"),
                other.fromClient(bind("", "missing"), execute(""), parse("P_0", Q1, 23), closeStatement("P_0"), sync()));
        assertEquals(List.of("E(00000:prepared statement \"missing\" does not exist)", "Z(I)"),
                other.fromServer(error("prepared statement \"missing\" does not exist"), ready()),
                "neither the ParseComplete nor the CloseComplete of skipped messages");
        other.clientRead();
        // the skipped Parse did not create P_0: a new Parse of it is no duplicate
        assertEquals(List.of("S"), other.fromClient(parse("P_0", Q1, 23), sync()));
        assertEquals(List.of("1", "Z(I)"), other.fromServer(ready()));
    }

    @Test
    void aCloseTheBackendSkippedLeavesTheStatement() {
        Session session = preparedS1(new ServerStatementCache(200));
        session.fromClient(bind("", "missing"), execute(""), closeStatement("S_1"), sync());
        assertEquals(List.of("E(00000:nope)", "Z(I)"), session.fromServer(error("nope"), ready()));
        assertEquals(List.of("B(|portcullis_1)", "E()", "S"), session.fromClient(bind("", "S_1", "3"), execute(""), sync()));
    }

    @Test
    void messagesAfterAnErrorThatArriveLaterAreUndoneToo() {
        ServerStatementCache cache = new ServerStatementCache(200);
        Session session = preparedS1(cache);
        session.fromClient(bind("", "missing"), execute(""));
        session.fromServer(error("nope"));
        // the backend is skipping: this Parse does not happen, its name is closed later
        assertEquals(List.of("P(portcullis_2|" + Q2 + ")", "S"), session.fromClient(parse("S_2", Q2), sync()));
        assertEquals(List.of("E(00000:nope)", "Z(I)"), session.fromServer(ready()));
        assertEquals(1, cache.size());
        session.clientRead();
        assertEquals(List.of("C(S:portcullis_2)", "P(portcullis_3|" + Q2 + ")", "S"), session.fromClient(parse("S_2", Q2), sync()));
        assertEquals(List.of("1", "Z(I)"), session.fromServer(closeComplete(), parseComplete(), ready()));
    }

    @Test
    void anErrorAfterSuccessfulMessagesKeepsWhatWasAnswered() {
        ServerStatementCache cache = new ServerStatementCache(200);
        Session session = new Session(200, cache);
        session.fromClient(parse("S_1", Q1, 23), bind("", "S_1", "x"), execute(""), sync());
        assertEquals(List.of("1", "E(00000:invalid input syntax)", "Z(I)"),
                session.fromServer(parseComplete(), error("invalid input syntax"), ready()));
        assertEquals(1, cache.size());
        assertEquals(List.of("B(|portcullis_1)", "E()", "S"), session.fromClient(bind("", "S_1", "1"), execute(""), sync()));
    }

    @Test
    void aBackendThatDropsEarlierAnswersOnErrorLeavesTheParseUndone() {
        // QuestDB: Parse, Bind, failing Execute, Sync is answered by ErrorResponse and ReadyForQuery only
        ServerStatementCache cache = new ServerStatementCache(200);
        Session session = new Session(200, cache);
        session.fromClient(parse("S_1", Q1, 23), bind("", "S_1", "1"), execute(""), sync());
        assertEquals(List.of("E(00000:boom)", "Z(I)"), session.fromServer(error("boom"), ready()));
        session.clientRead();
        // the client got no ParseComplete, so it may Parse S_1 again; the unknown name is closed first
        assertEquals(List.of("C(S:portcullis_1)", "P(portcullis_2|" + Q1 + ")", "S"),
                session.fromClient(parse("S_1", Q1, 23), sync()));
        assertEquals(List.of("1", "Z(I)"), session.fromServer(closeComplete(), parseComplete(), ready()));
    }

    @Test
    void evictionClosesTheLeastRecentlyUsedAtTheStartOfTheNextBatch() {
        ServerStatementCache cache = new ServerStatementCache(2);
        Session session = new Session(2, cache);
        for (String[] s : new String[][]{{"S_1", Q1}, {"S_2", Q2}, {"S_3", Q3}}) {
            session.fromClient(parse(s[0], s[1]), sync());
            session.fromServer(parseComplete(), ready());
        }
        assertEquals(2, cache.size());
        session.clientRead();
        assertEquals(List.of("C(S:portcullis_1)", "P(portcullis_4|" + Q1 + ")", "B(|portcullis_4)", "E()", "S"),
                session.fromClient(bind("", "S_1"), execute(""), sync()));
        assertEquals(List.of("2", "C(SELECT 1)", "Z(I)"),
                session.fromServer(closeComplete(), parseComplete(), bindComplete(), commandComplete("SELECT 1"), ready()));
        session.clientRead();
        // S_1 came back and pushed out S_2, the least recently used; S_3 stays
        assertEquals(List.of("C(S:portcullis_2)", "B(|portcullis_3)", "E()", "S"),
                session.fromClient(bind("", "S_3"), execute(""), sync()));
        assertEquals(List.of("2", "C(SELECT 1)", "Z(I)"),
                session.fromServer(closeComplete(), bindComplete(), commandComplete("SELECT 1"), ready()));
    }

    @Test
    void discardAllOnTheBackendEmptiesBothSides() {
        ServerStatementCache cache = new ServerStatementCache(200);
        Session session = preparedS1(cache);
        session.fromClient(query("DISCARD ALL"));
        session.fromServer(commandComplete("DISCARD ALL"), ready());
        assertEquals(0, cache.size());
        assertEquals(List.of("B(|S_1)", "E()", "S"), session.fromClient(bind("", "S_1"), execute(""), sync()),
                "S_1 is gone for the client too: the backend answers as PostgreSQL would");
    }

    @Test
    void noticesBetweenAnswersDoNotMoveThePlan() {
        Session session = preparedS1(new ServerStatementCache(200));
        session.attach(new ServerStatementCache(200));
        session.fromClient(bind("", "S_1"), execute(""), sync());
        assertEquals(List.of("N", "2", "N", "C(SELECT 1)", "Z(I)"), session.fromServer(notice("hello"), parseComplete(),
                bindComplete(), notice("again"), commandComplete("SELECT 1"), ready()));
    }

    @Test
    void aNamedParseLongerThanTheLimitIsRefusedAndAnUnnamedOnePasses() {
        Session session = new Session(200, new ServerStatementCache(200));
        String longQuery = "select '" + "x".repeat(RequestRewriter.MAX_PARSE_BODY) + "'";
        Buffer stream = Wire.join(parse("S_big", longQuery), sync(), parse("", longQuery), sync());
        List<Buffer> outs = new ArrayList<>();
        for (int from = 0; from < stream.length(); from += 65536) {
            session.send(stream.slice(from, Math.min(stream.length(), from + 65536)));
            outs.add(session.lastOut);
        }
        List<String> frames = Wire.frontend(session.server);
        assertEquals(List.of("S", "P(|" + longQuery + ")", "S"), frames);
        session.fromServer(ready());
        assertEquals("54000", Wire.errorField(session.client.slice(5, session.client.length()), 'C'));
    }

    @Test
    void aLongBindStreamsThroughWithOnlyItsHeadRewritten() {
        Session session = preparedS1(new ServerStatementCache(200));
        String big = "y".repeat(300_000);
        Buffer stream = Wire.join(bind("", "S_1", big), execute(""), sync());
        List<Buffer> outs = new ArrayList<>();
        List<Buffer> ins = new ArrayList<>();
        for (int from = 0; from < stream.length(); from += 65536) {
            Buffer chunk = stream.slice(from, Math.min(stream.length(), from + 65536));
            ins.add(chunk);
            session.send(chunk);
            outs.add(session.lastOut);
        }
        assertSame(ins.get(1), outs.get(1), "the middle of the parameter goes through untouched");
        assertSame(ins.get(2), outs.get(2));
        List<String> frames = Wire.frontend(session.server.slice(session.server.length() - outs.stream()
                .mapToInt(Buffer::length).sum(), session.server.length()));
        assertEquals(List.of("B(|portcullis_1)", "E()", "S"), frames);
    }

    @Test
    void clientFramesSplitAnywhereGiveTheSameBytes() {
        Buffer stream = Wire.join(parse("S_2", Q2), bind("", "S_1", "4"), describePortal(""), execute(""),
                closeStatement("S_1"), parse("S_1", Q3), describeStatement("S_2"), sync());
        Buffer whole = clientBytes(stream);
        for (int cut = 1; cut < stream.length(); cut++) {
            assertEquals(whole, clientBytes(stream, cut), "split at " + cut);
            for (int second = cut + 1; second < stream.length(); second += 7) {
                assertEquals(whole, clientBytes(stream, cut, second), "splits at " + cut + "," + second);
            }
        }
        int[] every = new int[stream.length() - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(whole, clientBytes(stream, every));
    }

    /** What the server gets for this stream cut into chunks, on a connection that lacks S_1. */
    private static Buffer clientBytes(Buffer stream, int... cuts) {
        Session session = preparedS1(new ServerStatementCache(200));
        session.attach(new ServerStatementCache(200));
        session.server = Buffer.buffer();
        feed(stream, cuts, session::send);
        return session.server;
    }

    @Test
    void serverFramesSplitAnywhereGiveTheSameBytes() {
        Buffer answers = Wire.join(closeComplete(), parseComplete(), notice("n"), bindComplete(), dataRow("1"),
                commandComplete("SELECT 1"), parseComplete(), bindComplete(), noData(), commandComplete("SELECT 1"),
                ready());
        Buffer whole = serverBytes(answers);
        assertEquals(List.of("N", "2", "D", "C(SELECT 1)", "1", "1", "2", "n", "C(SELECT 1)", "3", "Z(I)"),
                Wire.backend(whole));
        for (int cut = 1; cut < answers.length(); cut++) {
            assertEquals(whole, serverBytes(answers, cut), "split at " + cut);
            for (int second = cut + 1; second < answers.length(); second += 5) {
                assertEquals(whole, serverBytes(answers, cut, second), "splits at " + cut + "," + second);
            }
        }
        int[] every = new int[answers.length() - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(whole, serverBytes(answers, every));
    }

    /**
     * What the client gets for these answers cut into chunks. The batch holds every kind of step: a
     * Close of an evicted name and a Parse the connection lacks (answers swallowed), Bind/Execute, a
     * Parse of a statement already there (answered), unnamed Parse/Bind/Describe/Execute, a Close of
     * the client's (answered), Sync.
     */
    private static Buffer serverBytes(Buffer answers, int... cuts) {
        ServerStatementCache cache = new ServerStatementCache(1);
        Session session = new Session(1, cache);
        session.fromClient(parse("S_0", Q3), sync());
        session.fromServer(parseComplete(), ready());
        session.fromClient(parse("S_1", Q1), sync());       // evicts Q3 (portcullis_1)
        session.fromServer(parseComplete(), ready());
        session.clientRead();
        assertEquals(List.of("C(S:portcullis_1)", "P(portcullis_3|" + Q3 + ")", "B(|portcullis_3)", "E()",
                        "P(|" + Q2 + ")", "B(|)", "D(P:)", "E()", "S"),
                session.fromClient(bind("", "S_0"), execute(""), parse("S_2", Q3), parse("", Q2), bind("", ""),
                        describePortal(""), execute(""), closeStatement("S_2"), sync()));
        feed(answers, cuts, session::receive);
        assertTrue(session.mapping.quiet());
        return session.client;
    }

    private static int[] shift(int[] cuts, int by) {
        return java.util.Arrays.stream(cuts).map(c -> c - by).filter(c -> c > 0).toArray();
    }

    private static void feed(Buffer stream, int[] cuts, java.util.function.Consumer<Buffer> sink) {
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length();
            if (to > from || stream.length() == 0) {
                sink.accept(stream.slice(from, to));
            }
            from = to;
        }
    }

    /**
     * A client that closes and re-prepares a statement without Sync, behind a Parse the backend has not
     * answered, makes the gateway owe it answers it cannot write yet, each keeping its statement: past
     * the plan's bound the session must stop reading, and may read again once the backend answered.
     */
    @Test
    void answersOwedBehindAnUnansweredBackendMessageAreBounded() {
        Session session = preparedS1(new ServerStatementCache(200));
        assertEquals(List.of("P(portcullis_2|" + Q2 + ")"), session.fromClient(parse("S_2", Q2)));
        int pairs = 0;
        while (!session.mapping.owesTooMuch() && pairs < 100_000) {
            assertEquals(List.of(), session.fromClient(closeStatement("S_1"), parse("S_1", Q1, 23)));
            pairs++;
        }
        assertTrue(session.mapping.owesTooMuch(), "the plan says when it holds too much");
        assertTrue(pairs < 20_000, "it held " + pairs + " Close/Parse pairs before saying so");
        assertTrue(session.mapping.sentEndsBetweenMessages(), "a Flush may be sent to bring the backend's answer");
        assertEquals(List.of(), session.clientSaw(), "nothing may go before the backend's answer");
        List<String> answers = session.fromServer(parseComplete());
        assertFalse(session.mapping.owesTooMuch(), "the backend answered: everything owed went out");
        assertEquals(1 + 2 * pairs, answers.size());
        assertEquals(List.of("1", "3", "1"), answers.subList(0, 3));
    }
}
