package io.snmfservice.web;

import java.util.List;

/** One page of a list: the items and where they sit in the whole. */
public record PageView<T>(List<T> items, int page, int size, long total) {}
