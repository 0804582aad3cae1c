package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// qmpClient is the keeper's QMP connection (QmpClient.java's part a clone needs): one reader goroutine parses every
// line QEMU sends; replies complete the command they answer (matched by "id"), events go to one listener. Every
// call has a deadline, and the connection's end fails whatever still waits, so no request can block forever.
type qmpClient struct {
	conn    net.Conn
	timeout time.Duration
	onEvent func(name string, data json.RawMessage)

	writeMu sync.Mutex
	mu      sync.Mutex
	nextID  int64
	pending map[int64]pendingCall
	doneErr error
	done    chan struct{} // closed when the reader ends (QEMU closed the socket, or close())
}

type pendingCall struct {
	command string
	reply   chan qmpReply
}

type qmpReply struct {
	result json.RawMessage
	err    error
}

type qmpMessage struct {
	QMP    json.RawMessage `json:"QMP"`
	Event  *string         `json:"event"`
	Data   json.RawMessage `json:"data"`
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
	ID json.RawMessage `json:"id"`
}

// qemu polls its socket finely: a failed connect is cheap, and QEMU takes the next client as soon as the
// launcher's connection closed
const qmpRetryPause = 5 * time.Millisecond

// dialQMP connects (retrying while the socket refuses and keepTrying says yes, within connectTimeout), reads the
// greeting and negotiates capabilities.
func dialQMP(socket string, connectTimeout, commandTimeout time.Duration, keepTrying func() bool,
	onEvent func(name string, data json.RawMessage)) (*qmpClient, error) {
	deadline := time.Now().Add(connectTimeout)
	var conn net.Conn
	for {
		var err error
		conn, err = net.Dial("unix", socket)
		if err == nil {
			break
		}
		if !keepTrying() {
			return nil, fmt.Errorf("gave up connecting to QMP socket %s: QEMU is gone", socket)
		}
		if time.Now().Add(qmpRetryPause).After(deadline) {
			// net's error names the socket
			return nil, fmt.Errorf("no QMP server within %v: %w", connectTimeout, err)
		}
		time.Sleep(qmpRetryPause)
	}
	client := &qmpClient{conn: conn, timeout: commandTimeout, onEvent: onEvent, pending: map[int64]pendingCall{},
		done: make(chan struct{})}
	reader := bufio.NewReaderSize(conn, 4096)
	conn.SetReadDeadline(deadline)
	if err := readGreeting(reader); err != nil {
		conn.Close()
		return nil, fmt.Errorf("QMP greeting on %s: %w", socket, err)
	}
	conn.SetReadDeadline(time.Time{})
	go client.readLoop(reader)
	if _, err := client.executeWithin("qmp_capabilities", time.Until(deadline)); err != nil {
		client.close()
		return nil, err
	}
	return client, nil
}

func readGreeting(reader *bufio.Reader) error {
	for {
		line, err := reader.ReadBytes('\n')
		if err != nil {
			if errors.Is(err, io.EOF) {
				return errors.New("QMP connection closed by QEMU")
			}
			return err
		}
		var message qmpMessage
		if json.Unmarshal(line, &message) == nil && message.QMP != nil {
			return nil
		}
	}
}

// execute runs one command and returns its "return" value; errors name the command: "QMP stop failed:
// GenericError: …", "QMP stop: no answer within 1m0s", "QMP connection closed by QEMU".
func (c *qmpClient) execute(command string) (json.RawMessage, error) {
	return c.executeWithin(command, c.timeout)
}

func (c *qmpClient) executeWithin(command string, timeout time.Duration) (json.RawMessage, error) {
	reply := make(chan qmpReply, 1)
	c.mu.Lock()
	if c.doneErr != nil {
		err := c.doneErr
		c.mu.Unlock()
		return nil, err
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = pendingCall{command, reply}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	request := encodeJSON(struct {
		Execute string `json:"execute"`
		ID      int64  `json:"id"`
	}{command, id}) + "\n"
	c.writeMu.Lock()
	// a dead peer fails the write; a live one drains its socket even when busy: the deadline is only a guard
	c.conn.SetWriteDeadline(time.Now().Add(timeout))
	_, err := io.WriteString(c.conn, request)
	c.writeMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("cannot send QMP %s: %w", command, err)
	}
	timer := time.NewTimer(max(0, timeout))
	defer timer.Stop()
	select {
	case answer := <-reply:
		return answer.result, answer.err
	case <-timer.C:
		return nil, fmt.Errorf("QMP %s: no answer within %v", command, timeout)
	}
}

func (c *qmpClient) readLoop(reader *bufio.Reader) {
	for {
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 && err == nil {
			c.dispatch(line)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				c.finish(errors.New("QMP connection closed by QEMU"))
			} else {
				c.finish(fmt.Errorf("QMP connection lost: %w", err))
			}
			return
		}
	}
}

func (c *qmpClient) dispatch(line []byte) {
	var message qmpMessage
	if json.Unmarshal(line, &message) != nil {
		return // not QMP; nothing waits on it
	}
	switch {
	case message.Event != nil:
		if c.onEvent != nil {
			c.onEvent(*message.Event, message.Data)
		}
	case message.Return != nil || message.Error != nil:
		id, ok := jsonInt(message.ID)
		if !ok {
			return
		}
		c.mu.Lock()
		call, waiting := c.pending[id]
		c.mu.Unlock()
		if !waiting {
			return // a reply to a command whose caller already timed out
		}
		answer := qmpReply{result: message.Return}
		if message.Error != nil {
			answer = qmpReply{err: fmt.Errorf("QMP %s failed: %s: %s", call.command, message.Error.Class, message.Error.Desc)}
		}
		select {
		case call.reply <- answer:
		default: // a second reply to one id: the first one counts
		}
	}
}

func (c *qmpClient) finish(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.doneErr != nil {
		return
	}
	c.doneErr = err
	for _, call := range c.pending {
		select {
		case call.reply <- qmpReply{err: err}:
		default:
		}
	}
	close(c.done)
}

// done is closed once QEMU closed the connection: every event it sent before has been dispatched.
func (c *qmpClient) closed() <-chan struct{} {
	return c.done
}

func (c *qmpClient) close() {
	c.conn.Close()
	c.finish(errors.New("QMP connection closed"))
}
