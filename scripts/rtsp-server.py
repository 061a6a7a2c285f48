#!/usr/bin/python3
"""A test RTSP camera: serves an H.264 mp4 file at rtsp://127.0.0.1:PORT/PATH (GStreamer RTSP server).

Run with Debian's /usr/bin/python3 (needs python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good
gstreamer1.0-plugins-bad). For a long "live" stream loop the clip first:
    ffmpeg -stream_loop 30 -i clip.mp4 -c copy long.mp4
Usage: rtsp-server.py FILE [--port 8554] [--path /cam]   (prints "ready rtsp://…" once listening)
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--port", type=int, default=8554)
ap.add_argument("--path", default="/cam")
args = ap.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(str(args.port))
factory = GstRtspServer.RTSPMediaFactory()
location = args.file.replace("\\", "\\\\").replace('"', '\\"')
factory.set_launch(f'( filesrc location="{location}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )')
factory.set_shared(True)
server.get_mount_points().add_factory(args.path, factory)
if server.attach(None) == 0:
    sys.exit(f"rtsp-server: cannot listen on port {args.port}")
print(f"ready rtsp://127.0.0.1:{args.port}{args.path}", flush=True)
GLib.MainLoop().run()
